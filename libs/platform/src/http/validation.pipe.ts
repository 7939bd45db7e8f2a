import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ProblemException } from './problem';

/** Flattens class-validator's tree into readable lines such as `address.zip must be a string`. */
export function describeValidationErrors(errors: ValidationError[], parentPath = ''): string[] {
  return errors.flatMap((error) => {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => qualify(message, error.property, path));
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

// class-validator names only the leaf property; put the full path in its place.
function qualify(message: string, property: string, path: string): string {
  if (path === property) return message;
  if (message.startsWith(`${property} `)) return `${path}${message.slice(property.length)}`;
  if (message.startsWith(`property ${property} `)) return `property ${path}${message.slice(`property ${property}`.length)}`;
  return `${path}: ${message}`;
}

/** The global pipe: strips nothing silently (unknown fields are rejected) and answers 400 VALIDATION_FAILED. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const messages = describeValidationErrors(errors);
      return new ProblemException(400, 'VALIDATION_FAILED', messages.join('; ') || 'The request is invalid.', {
        errors: messages,
      });
    },
  });
}
