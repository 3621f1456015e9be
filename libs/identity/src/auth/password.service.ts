import { Injectable } from '@nestjs/common';
import argon2 from '@node-rs/argon2';

/** argon2id at the OWASP baseline: 19 MiB, 2 passes, 1 lane. (2 is Algorithm.Argon2id, an ambient const enum.) */
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Password hashing; the only code that sees a plain password after validation. */
@Injectable()
export class PasswordService {
  /** Verified against when the email is unknown, so both paths cost one argon2 run. */
  private readonly decoy = argon2.hash('decoy-password-for-constant-time', OPTIONS);

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    if (hash === undefined) {
      await argon2.verify(await this.decoy, password);
      return false;
    }
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
