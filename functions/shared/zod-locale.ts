import { config } from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini ships without messages ("Invalid input" for every issue); the English locale is what
// classic zod loads by default. Imported by every module that parses (request validation, workflow).
config(en());
