/**
 * Zod compiles fast object parsers with `new Function` when it may; under the server's Content-Security-Policy
 * (script-src 'self', no 'unsafe-eval') even its probe for that is a reported violation. Switched off here, in
 * a module of its own that the instructor's entry imports first: the setting is read when each schema is
 * created, and schemas are created as their modules load.
 */
import { z } from 'zod';

z.config({ jitless: true });
