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

/** A small shop whose history says, in words, what each function is about; the code itself never does. */
export function shopHistoryRepo(): { repo: GitRepo; fixVat: string } {
  const repo = GitRepo.init();
  repo
    .write("shop/tax.py", "def levy(amount, kind):\n    return amount * 0.2\n")
    .write(
      "shop/cart.py",
      "def drop_line(cart, sku):\n    cart.pop(sku)\n\n\ndef total(cart):\n    return sum(cart.values())\n",
    )
    .write("README.md", "# Shop\n");
  repo.commit("Initial shop");
  repo.write(
    "shop/tax.py",
    "def levy(amount, kind):\n    if kind == 'exempt':\n        return 0\n    return int(amount * 20) / 100\n",
  );
  const fixVat = repo.commit("Fix VAT rounding for zero-rated goods");
  repo.write(
    "shop/cart.py",
    "def drop_line(cart, sku):\n    cart.pop(sku, None)\n\n\ndef total(cart):\n    return sum(cart.values())\n",
  );
  repo.commit("Removing an item that is not in the basket no longer crashes");
  return { repo, fixVat };
}
