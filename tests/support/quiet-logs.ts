// Unit tests exercise handlers directly: keep their structured logs out of the test output.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
