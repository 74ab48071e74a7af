import { errorText } from '../../shared/errorText';
import { Unavailable } from '../monitor/unavailable';

/**
 * Mistakes in this program's own code, which stay a 500: what a query can
 * throw otherwise (a refused or cut connection, a timeout, a missing table)
 * says that PostgreSQL cannot answer now.
 */
const PROGRAM_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError] as const;

/**
 * Runs a question that only PostgreSQL can answer (a day's history, a range's
 * figures). When it fails, the answer is 503 with the database's reason,
 * worded as the export words it ("PostgreSQL: connect ECONNREFUSED …"), so
 * every route that reads the database says the same thing while it is down.
 */
export async function askPostgres<T>(question: () => Promise<T>): Promise<T> {
  try {
    return await question();
  } catch (error) {
    if (error instanceof Unavailable || PROGRAM_ERRORS.some((kind) => error instanceof kind)) throw error;
    throw new Unavailable(`PostgreSQL: ${errorText(error)}`, { cause: error });
  }
}
