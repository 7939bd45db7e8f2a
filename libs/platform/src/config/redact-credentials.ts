/** Replaces the password of any `scheme://user:password@host` in `text` with `***`. */
export const redactCredentials = (text: string): string => text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]*@/gi, '$1:***@');
