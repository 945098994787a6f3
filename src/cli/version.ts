declare const THREADLINE_VERSION: string | undefined;

/** The package version, put into the bundle by the build; `0.0.0-dev` when run from source. */
export const VERSION = typeof THREADLINE_VERSION === "string" ? THREADLINE_VERSION : "0.0.0-dev";
