/**
 * Errors the emulator answers with. Codes and shapes are CloudBase's own, so SDK callers see the
 * same TcbError (code, message) they would see in the cloud.
 */
export class EmulatorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 200,
  ) {
    super(message);
  }
}

export const dbErrors = {
  collectionNotExist: (name: string) =>
    new EmulatorError('DATABASE_COLLECTION_NOT_EXIST', `[ResourceNotFound] Db or Table not exist: ${name}`),
  collectionExists: (name: string) =>
    new EmulatorError('DATABASE_COLLECTION_ALREADY_EXIST', `[ResourceInUse] Table already exists: ${name}`),
  duplicateWrite: (detail: string) =>
    new EmulatorError('DATABASE_DUPLICATE_WRITE', `[DuplicateWrite] E11000 duplicate key error: ${detail}`),
  documentNotExist: (id: string) =>
    new EmulatorError('DATABASE_DOCUMENT_NOT_EXIST', `[ResourceNotFound] document with _id ${id} does not exist`),
  invalidParam: (message: string) => new EmulatorError('INVALID_PARAM', message),
  requestFailed: (message: string) => new EmulatorError('DATABASE_REQUEST_FAILED', message),
  transactionConflict: (detail: string) =>
    new EmulatorError('DATABASE_TRANSACTION_CONFLICT', `[ResourceUnavailable.TransactionConflict] ${detail}`),
  transactionNotExist: () =>
    new EmulatorError(
      'DATABASE_TRANSACTION_FAIL',
      '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds.',
    ),
};
