/**
 * The house's dependency rules (STYLE.md, "Boundaries enforced by a tool"), checked by `npm run check:deps`
 * inside `npm run check`. A violation fails the check with the rule's name and the offending import.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'transport-not-storage',
      comment: 'realtime/ and http/ carry what services build: they never reach storage themselves.',
      severity: 'error',
      from: { path: '^server/(realtime|http)/' },
      to: { path: '^server/storage/' },
    },
    {
      name: 'server-not-client',
      comment: 'The server never imports the client; what both need lives in shared/.',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^client/' },
    },
    {
      name: 'shared-stands-alone',
      comment: 'shared/ is the contract both sides import: it imports neither server/ nor client/.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(server|client)/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ is pure class rules: no storage, transport, HTTP or services.',
      severity: 'error',
      from: { path: '^server/domain/' },
      to: { path: '^server/(storage|realtime|http|services)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count too: a type from storage/ in http/ is still a dependency on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
  },
};
