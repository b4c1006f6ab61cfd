/**
 * The esbuild options every function ships with, in one place: {@link ModuleFunction} passes them to
 * `NodejsFunction` and `bench/bundles.ts` runs esbuild with the same values, so the benchmarked
 * bundle sizes and init times are those of the deployed code. Plain data (no CDK import), so the
 * bench can load it cheaply.
 */

/**
 * AWS SDK credential providers a Lambda function never reaches, left out of the bundle (~130 KB
 * minified per function, mostly `@aws-sdk/nested-clients`: the STS, SSO, SSO-OIDC and sign-in clients).
 * The SDK's default chain (`@aws-sdk/credential-provider-node`) tries `fromEnv` first, and Lambda always
 * sets `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` from the execution role (the
 * functions never set `AWS_PROFILE`, which would skip `fromEnv`). The providers listed here are loaded
 * only by the later links of that chain, each through a dynamic `import()`, so excluding them removes
 * no code that runs; were a link ever reached, `require` would resolve the package from the runtime's
 * own SDK copy (`/var/runtime/node_modules` is on the Node.js runtime's `NODE_PATH`) rather than fail.
 * docs/decisions.md, "Bundle size".
 */
export const UNUSED_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
] as const;

export const SHIPPED_BUNDLING = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: 'cjs',
  // Prefer packages' ESM builds (better tree shaking); esbuild converts them to CommonJS.
  mainFields: ['module', 'main'],
  // Everything else of the AWS SDK is bundled, so the deployed code runs the SDK version that was tested.
  externalModules: UNUSED_CREDENTIAL_PROVIDERS,
} as const;
