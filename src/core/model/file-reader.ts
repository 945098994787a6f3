import * as fs from "node:fs";
import { ModelError } from "./config";

/** Positioned reads from a model file, with a clear error when the file is shorter than its header says. */
export class FileReader {
  private readonly fd: number;
  readonly size: number;

  constructor(readonly path: string) {
    try {
      this.fd = fs.openSync(path, "r");
      this.size = fs.fstatSync(this.fd).size;
    } catch (e) {
      throw new ModelError(`cannot open model file ${path}: ${(e as Error).message}`);
    }
  }

  read(offset: number, length: number, what: string): Uint8Array {
    if (offset + length > this.size)
      throw new ModelError(
        `model file ${this.path} is truncated: ${what} needs bytes ${offset}-${offset + length} but the file has ${this.size}`,
      );
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw new ModelError(`model file ${this.path}: unexpected end of file reading ${what}`);
      done += n;
    }
    return buf;
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}
