// ESLint (flat config) for the whole repo. Rules are chosen to catch real bugs, not to police style:
// layout is Prettier's job (`npm run format`), import direction is dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.data/**',
      '.tmp/**',
      '.cache/**',
      'miniprogram/miniprogram_npm/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // Type information for the promise rules below; one program per tsconfig, shared by all files.
        // The console's Vite config sits outside its tsconfig (it runs in Node, not the browser).
        projectService: { allowDefaultProject: ['console/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits loses its error and races the response: real bugs in functions and tests.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      // tsc already reports unused locals and parameters (noUnusedLocals / noUnusedParameters).
      '@typescript-eslint/no-unused-vars': 'off',
      // TypeScript checks undefined names itself; the ESLint rule does not know ambient globals like wx.
      'no-undef': 'off',
    },
  },
  {
    // wx.* APIs are typed with promise-returning overloads, and the pages call them fire-and-forget
    // (showToast, redirectTo) on purpose. Off here until the mini-program marks those calls (issue 13 owns it).
    files: ['miniprogram/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
);
