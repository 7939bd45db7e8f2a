/** The log file of the spec at `testPath` (see spec-log-file.js, shared with the reporter). */
export function specLogFile(testPath: string): string;
