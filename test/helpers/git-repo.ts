import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A scratch git repository for history tests: write files, commit with a message and a fixed date. */
export class GitRepo {
  readonly root: string;
  private clock = 1_600_000_000;

  constructor(root?: string) {
    this.root = root ?? fs.mkdtempSync(path.join(os.tmpdir(), "threadline-git-"));
  }

  static init(): GitRepo {
    const repo = new GitRepo();
    repo.git("init", "-q", "-b", "main");
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync("git", args, {
      cwd: this.root,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "Test",
        GIT_AUTHOR_EMAIL: "test@example.invalid",
        GIT_COMMITTER_NAME: "Test",
        GIT_COMMITTER_EMAIL: "test@example.invalid",
        GIT_AUTHOR_DATE: `@${this.clock} +0000`,
        GIT_COMMITTER_DATE: `@${this.clock} +0000`,
        GIT_CONFIG_NOSYSTEM: "1",
        HOME: this.root,
      },
    });
  }

  write(file: string, text: string): this {
    const abs = path.join(this.root, file);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
    return this;
  }

  /** Commits everything with `message`; returns the new commit id. */
  commit(message: string): string {
    this.clock += 86_400;
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD").trim();
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
