/**
 * Import direction, enforced by `npm run lint` (dependency-cruiser). The table:
 *
 *   typings/                 imports nothing of ours (the contract both sides share)
 *   cloudfunctions/shared/   → typings
 *   cloudfunctions/<fn>/     → cloudfunctions/shared, typings; never another function
 *   emulator/                → nothing of the domain (could be published on its own)
 *   miniprogram/             → typings, types only (the mini-program bundle carries no server code)
 *   console/                 → typings, types only (the PC back office, same rule as the mini-program)
 *   fixtures/                → anything but tests/ and bench/ (this project's wiring of the emulator, demo data,
 *                              synthetic worlds and clients that tests, benchmarks and `npm start` share)
 *   tests/, bench/, scripts/ → anything (bench does not import the test helpers: what both need is in fixtures/)
 *   nothing ships code from fixtures/, tests/, bench/ or scripts/
 *
 * KNOWN lists the violations that exist today, each (from file → to file) pair by name, so that any NEW
 * violation fails `npm test`. Shrink it; never grow it without a comment saying why.
 */

/** rule name → [from file, to file, why it is still here]. Empty: every rule above holds with no exception. */
const KNOWN = {};

/** A client (mini-program, back office) uses typings/ for types only and nothing else outside its folder. */
function clientRules(folder, who) {
  return [
    {
      name: `${folder}-types-only`,
      comment: `${who} may import only its own files, typings/ and libraries.`,
      from: { path: `^${folder}/` },
      to: { pathNot: [`^${folder}/`, '^typings/', '^node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      name: `${folder}-typings-types-only`,
      comment: `A value import from typings/ would pull contract code into ${who}'s bundle: \`import type\` only.`,
      from: { path: `^${folder}/` },
      to: { path: '^typings/', dependencyTypesNot: ['type-only'] },
    },
  ];
}

const rules = [
  {
    name: 'typings-import-nothing',
    comment: 'typings/ is the contract both sides compile against: it may only import other typings.',
    from: { path: '^typings/' },
    to: { pathNot: ['^typings/', '^node_modules/'], dependencyTypesNot: ['core'] },
  },
  {
    name: 'shared-is-below-functions',
    comment:
      'cloudfunctions/shared is the domain core: functions build on it, never the other way (tools: next rules).',
    from: { path: '^cloudfunctions/shared/' },
    to: { path: '^cloudfunctions/(?!shared/)' },
  },
  {
    name: 'function-not-other-function',
    comment: 'A cloud function is one bundle: it may use shared/ and typings/, never another function folder.',
    from: { path: '^cloudfunctions/([^/]+)/', pathNot: '^cloudfunctions/shared/' },
    to: { path: '^cloudfunctions/', pathNot: ['^cloudfunctions/shared/', '^cloudfunctions/$1/'] },
  },
  {
    name: 'functions-not-tools',
    comment:
      'Function code, shared/ included, ships to the cloud: it never imports the emulator, tests, bench, scripts or a client.',
    from: { path: '^cloudfunctions/' },
    to: { path: '^(emulator/|fixtures/|tests/|bench/|scripts/|miniprogram/|console/)' },
  },
  {
    name: 'emulator-is-domain-free',
    comment: 'The emulator speaks CloudBase protocol only; it must not know the domain, the clients or the tests.',
    from: { path: '^emulator/' },
    to: { path: '^(cloudfunctions/|typings/|fixtures/|miniprogram/|console/|tests/|bench/|scripts/)' },
  },
  ...clientRules('miniprogram', 'the mini-program'),
  ...clientRules('console', 'the PC back office'),
  {
    name: 'fixtures-not-tests',
    comment: 'Fixtures are shared by tests, benchmarks and `npm start`: they never reach into the tests or benchmarks.',
    from: { path: '^fixtures/' },
    to: { path: '^(tests/|bench/)' },
  },
  {
    name: 'bench-not-tests',
    comment: 'Benchmarks use the emulator and the functions directly, not the test helpers.',
    from: { path: '^bench/' },
    to: { path: '^tests/' },
  },
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Each known pair is cut out of its rule precisely: the file keeps only the imports it has today, so
 * the same file importing something new across the line still fails.
 */
const forbidden = rules.flatMap((rule) => {
  const known = KNOWN[rule.name] ?? [];
  const files = [...new Set(known.map(([from]) => from))];
  const base = {
    ...rule,
    severity: 'error',
    from: {
      ...rule.from,
      pathNot: [].concat(
        rule.from.pathNot ?? [],
        files.map((f) => `^${escape(f)}$`),
      ),
    },
  };
  const perFile = files.map((file) => ({
    ...rule,
    name: rule.name,
    severity: 'error',
    from: { path: `^${escape(file)}$` },
    to: {
      ...rule.to,
      pathNot: [].concat(
        rule.to.pathNot ?? [],
        known.filter(([f]) => f === file).map(([, to]) => `^${escape(to)}$`),
      ),
    },
  }));
  return [base, ...perFile];
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    // Our folders only (console/ arrives with the PC back office); libraries are not cruised.
    includeOnly: '^(typings|cloudfunctions|emulator|fixtures|miniprogram|console|tests|bench|scripts)/',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.data|\\.tmp|\\.cache|miniprogram/miniprogram_npm)/' },
    // Type-only imports count too (they are how the clients may use typings/).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
