/**
 * DynamoDB's error shapes (JSON 1.0 protocol): HTTP 400 (500 for InternalServerError) with
 * `{"__type": "<namespace>#<Name>", "message": "…"}`, as the AWS SDK parses them into exceptions
 * of that name.
 */
const NS = 'com.amazonaws.dynamodb.v20120810';

/** Why DynamoDB throttled a request, and what (API_ThrottlingReason: `<Table|Index><Read|Write><limit>`, the resource's ARN). */
export interface ThrottlingReason {
  readonly reason: string;
  readonly resource: string;
}
const CORAL = 'com.amazon.coral.service';

export class DynamoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** Extra fields of the error body (e.g. the item of a failed condition, if asked for). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The error's name, as the SDK names the exception. */
  get code(): string {
    return this.type.slice(this.type.indexOf('#') + 1);
  }

  body(): Record<string, unknown> {
    return { __type: this.type, message: this.message, ...this.extra };
  }

  static validation = (message: string) => new DynamoError(`${CORAL}#ValidationException`, message);
  static serialization = (message: string) => new DynamoError(`${CORAL}#SerializationException`, message);
  static unknownOperation = (target: string) => new DynamoError(`${CORAL}#UnknownOperationException`, `Unknown operation ${target}`);
  static conditionFailed = () => new DynamoError(`${NS}#ConditionalCheckFailedException`, 'The conditional request failed');
  static notFound = (what = 'Requested resource not found') => new DynamoError(`${NS}#ResourceNotFoundException`, what);
  static inUse = (table: string) => new DynamoError(`${NS}#ResourceInUseException`, `Table already exists: ${table}`);
  /** A queue or a provisioned bucket that has no room; with the table, the ThrottlingReasons DynamoDB gives (`Table<Read|Write>ProvisionedThroughputExceeded`). */
  static throughput = (reason?: ThrottlingReason) =>
    new DynamoError(
      `${NS}#ProvisionedThroughputExceededException`,
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      400,
      reason ? { ThrottlingReasons: [reason] } : {},
    );
  /**
   * An on-demand table above the maximum throughput it was given (OnDemandThroughput): DynamoDB
   * answers ThrottlingException with `throttlingReasons` (this shape's field is lower-case; the
   * other two throttling errors' is `ThrottlingReasons`), reason `Table<Read|Write>MaxOnDemandThroughputExceeded`.
   */
  static onDemandMaximum = (reason: ThrottlingReason) =>
    new DynamoError(`${NS}#ThrottlingException`, 'Throughput exceeds the maximum OnDemandThroughput configured on the table', 400, { throttlingReasons: [reason] });
  static throttling = (what: string) => new DynamoError('com.amazon.coral.availability#ThrottlingException', `Rate of requests exceeds the allowed throughput: ${what}`);
  static internal = (message = 'Internal server error') => new DynamoError(`${NS}#InternalServerError`, message, 500);
  static unrecognizedClient = () => new DynamoError(`${CORAL}#UnrecognizedClientException`, 'The security token included in the request is invalid.');
  static missingAuth = () => new DynamoError(`${CORAL}#MissingAuthenticationTokenException`, 'Request is missing Authentication Token');
}
