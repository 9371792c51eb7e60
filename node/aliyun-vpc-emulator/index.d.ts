// Types of aliyun-vpc-emulator (index.js). State documents and journal entries keep the API's own
// field names (SPEC sections 6 and 8), so they are typed loosely.

/** Options of start(); each left out means the emulator's default. */
export interface StartOptions {
  /** A fixtures file (path) or a fixtures document (SPEC section 6). Default: the embedded fixtures. */
  fixtures?: string | Record<string, unknown>;
  /** Persistence file (--state-file). */
  stateFile?: string;
  /** Serve HTTPS as well as HTTP on the port; `caPem` then holds the CA. */
  tls?: boolean;
  auth?: 'lenient' | 'strict';
  gatewayBusyMs?: number;
  /** Reproducible IDs and RequestIds. */
  seed?: number;
  /** --admin-token; the admin calls of this object send it. */
  adminToken?: string;
  /** More flags, e.g. ['--name-rule', 'legacy']. */
  args?: string[];
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The binary to run (default: findBinary()). */
  binary?: string;
  /** Extra environment variables for the process. */
  env?: Record<string, string>;
  /** Default cn-hangzhou. */
  region?: string;
  /** Default: the root key of the default fixtures. */
  accessKeyId?: string;
  accessKeySecret?: string;
  /** How long to wait for the listening line (default 30000). */
  startTimeoutMs?: number;
}

/** One entry of GET /_emulator/requests. */
export interface JournalEntry {
  Time: number;
  RequestId: string;
  Action: string | null;
  AccountId: string | null;
  Principal: string;
  Params: Record<string, string>;
  HttpStatus: number;
  Code: string | null;
  [field: string]: unknown;
}

/** A fault rule (SPEC section 8). */
export interface FaultRule {
  Action?: string;
  Code?: string;
  Count?: number;
  HttpStatus?: number;
  Message?: string;
  DelayMs?: number;
  [field: string]: unknown;
}

export type StateDocument = Record<string, unknown>;

export declare class Emulator {
  readonly options: StartOptions;
  readonly pid: number;
  readonly port: number;
  readonly host: string;
  readonly tls: boolean;
  readonly region: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** With tls: the CA that signed the server certificate (PEM). */
  readonly caPem: string | null;
  /** `127.0.0.1:PORT`, the SDKs' endpoint setting. */
  readonly endpoint: string;
  /** `http://127.0.0.1:PORT`, or `https://` with tls. */
  readonly url: string;
  /** `http://127.0.0.1:PORT/_emulator` (plain HTTP even with tls). */
  readonly adminUrl: string;
  /** The emulator's log so far (its last 2000 lines). */
  readonly stderr: string;
  readonly running: boolean;
  /** SIGTERM (SIGKILL after 10 s); resolves to the exit code. */
  stop(): Promise<number | null>;
  /** Any admin call; rejects with AdminError unless the answer is 200. */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  health(): Promise<{ status: string; version: string }>;
  reset(): Promise<void>;
  state(): Promise<StateDocument>;
  putState(doc: StateDocument): Promise<void>;
  requests(filter?: { action?: string; limit?: number }): Promise<JournalEntry[]>;
  clearRequests(): Promise<void>;
  addFault(rule: FaultRule): Promise<FaultRule>;
  faults(): Promise<FaultRule[]>;
  clearFaults(): Promise<void>;
  clock(): Promise<number>;
  advanceClock(seconds: number): Promise<number>;
  setClock(nowMs: number): Promise<number>;
  /** An @alicloud/vpc20160428 client for this emulator (throws if that package is not installed). */
  client(config?: Record<string, unknown>): any;
}

export declare class EmulatorStartError extends Error {
  readonly binary: string;
  readonly args: string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderr: string;
}

export declare class AdminError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
}

/** Start an emulator and wait for its listening line. */
export declare function start(options?: StartOptions): Promise<Emulator>;
/** The binary: the platform package's, else VPC_EMULATOR_BIN, else PATH. */
export declare function findBinary(): string;
/** The per-platform package of this machine, e.g. aliyun-vpc-emulator-linux-x64. */
export declare function platformPackage(): string;

export declare const BINARY_NAME: string;
export declare const DEFAULT_ACCESS_KEY_ID: string;
export declare const DEFAULT_ACCESS_KEY_SECRET: string;
export declare const DEFAULT_REGION: string;

declare const _default: {
  start: typeof start;
  findBinary: typeof findBinary;
  platformPackage: typeof platformPackage;
  Emulator: typeof Emulator;
  EmulatorStartError: typeof EmulatorStartError;
  AdminError: typeof AdminError;
  BINARY_NAME: string;
  DEFAULT_ACCESS_KEY_ID: string;
  DEFAULT_ACCESS_KEY_SECRET: string;
  DEFAULT_REGION: string;
};
export default _default;
