// DynamoDB Local and the in-process approvals workflow answer in milliseconds on a quiet machine, but a
// setup that starts them took over 5 s on two loaded cores. (A per-project `testTimeout` is not a Jest 29 option.)
jest.setTimeout(20_000);
