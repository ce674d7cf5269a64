/**
 * Import direction, enforced by `npm run lint` (dependency-cruiser). The table:
 *
 *   typings/                 imports nothing of ours (the contract both sides share)
 *   cloudfunctions/shared/   → typings
 *   cloudfunctions/<fn>/     → cloudfunctions/shared, typings; never another function
 *   emulator/                → nothing of the domain (could be published on its own)
 *   miniprogram/             → typings, types only (the mini-program bundle carries no server code)
 *   console/                 → typings, types only (the PC back office, same rule as the mini-program)
 *   tests/, bench/, scripts/ → anything (bench and tests do not import each other's helpers, see below)
 *   nothing ships code from tests/, bench/ or scripts/
 *
 * KNOWN lists the violations that exist today, each (from file → to file) pair by name, so that any NEW
 * violation fails `npm test`. Shrink it; never grow it without a comment saying why.
 */

/** rule name → [from file, to file, why it is still here]. */
const KNOWN = {
  'emulator-is-domain-free': [
    // The demo world is built from the domain's own documents, ids and sealing; it belongs in a fixtures
    // module outside emulator/ that the CLI passes in at start (issue 18, later: collides with issues 14/15/20 now).
    ['emulator/seed.ts', 'typings/models.ts'],
    ['emulator/seed.ts', 'cloudfunctions/shared/collections.ts'],
    ['emulator/seed.ts', 'cloudfunctions/shared/documents.ts'],
    ['emulator/seed.ts', 'cloudfunctions/shared/security/seal.ts'],
    ['emulator/seed.ts', 'cloudfunctions/shared/security/password.ts'],
    ['emulator/seed.ts', 'cloudfunctions/shared/identity/resident-id.ts'],
    // Collections and indexes should be passed in at start instead of read from the domain's list.
    ['emulator/server.ts', 'cloudfunctions/shared/collections.ts'],
    ['emulator/store/document-store.ts', 'cloudfunctions/shared/collections.ts'],
    // The local PII index key is derived the way the functions derive it; should be handed in as a plain key.
    ['emulator/local-keys.ts', 'cloudfunctions/shared/security/pii.ts'],
    // Types only: CloudBase's HTTP-trigger event shape, written once on the functions' side; it is the
    // platform's format, not the domain's, and should move to a module both sides share (issue 18, later).
    ['emulator/console-routes.ts', 'cloudfunctions/shared/web/http-door.ts'],
  ],
  'bench-not-tests': [
    // The SDK helper that tests and benchmarks share should live in emulator/ (issue 18, later).
    ['bench/emulator.ts', 'tests/helpers/emulator.ts'],
    ['bench/import.ts', 'tests/helpers/emulator.ts'],
    ['bench/load.ts', 'tests/helpers/emulator.ts'],
    // Merged in parallel with this rule (issues 19 and 20): the province loader and the web client are
    // shared by a test and a benchmark; they move out of tests/helpers with the SDK helper.
    ['bench/scale.ts', 'tests/helpers/province.ts'],
    ['bench/scale.ts', 'tests/helpers/api.ts'],
    ['bench/console.ts', 'tests/helpers/web.ts'],
    ['bench/console.ts', 'tests/helpers/emulator.ts'],
    // Likewise from issue 14: registered people written straight to the store, for a test and two benches.
    ['bench/load.ts', 'tests/helpers/people.ts'],
    ['bench/approvals.ts', 'tests/helpers/people.ts'],
    ['bench/approvals.ts', 'tests/helpers/emulator.ts'],
  ],
};

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
    comment: 'cloudfunctions/shared is the domain core: functions build on it, never the other way (tools: next rules).',
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
    comment: 'Function code, shared/ included, ships to the cloud: it never imports the emulator, tests, bench, scripts or a client.',
    from: { path: '^cloudfunctions/' },
    to: { path: '^(emulator/|tests/|bench/|scripts/|miniprogram/|console/)' },
  },
  {
    name: 'emulator-is-domain-free',
    comment: 'The emulator speaks CloudBase protocol only; it must not know the domain, the clients or the tests.',
    from: { path: '^emulator/' },
    to: { path: '^(cloudfunctions/|typings/|miniprogram/|console/|tests/|bench/)' },
  },
  ...clientRules('miniprogram', 'the mini-program'),
  ...clientRules('console', 'the PC back office'),
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
  const base = { ...rule, severity: 'error', from: { ...rule.from, pathNot: [].concat(rule.from.pathNot ?? [], files.map((f) => `^${escape(f)}$`)) } };
  const perFile = files.map((file) => ({
    ...rule,
    name: rule.name,
    severity: 'error',
    from: { path: `^${escape(file)}$` },
    to: { ...rule.to, pathNot: [].concat(rule.to.pathNot ?? [], known.filter(([f]) => f === file).map(([, to]) => `^${escape(to)}$`)) },
  }));
  return [base, ...perFile];
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    // Our folders only (console/ arrives with the PC back office); libraries are not cruised.
    includeOnly: '^(typings|cloudfunctions|emulator|miniprogram|console|tests|bench|scripts)/',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.data|\\.tmp|\\.cache|miniprogram/miniprogram_npm)/' },
    // Type-only imports count too (they are how the clients may use typings/).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
