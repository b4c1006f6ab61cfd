import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; POWERTOOLS_SERVICE_NAME names the module, POWERTOOLS_LOG_LEVEL the level. */
export const logger = new Logger();
