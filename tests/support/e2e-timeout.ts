// Requests through the gateway that wait on workflows and stream consumers (polled, as in AWS) take
// seconds; 5 s was tight on two loaded cores. (A per-project `testTimeout` is not a Jest 29 option.)
jest.setTimeout(30_000);
