#!/usr/bin/env node
// Prints a new key for the API server's at-rest encryption (secretbox or aescbc): 32 random
// bytes in base64, to stdout only. Put it where SecretValue can read it and Git cannot, e.g.
//   export ETCD_ENCRYPTION_KEY="$(node scripts/generate-encryption-key.js)"
//   node scripts/generate-encryption-key.js > secrets/etcd-encryption-key   (secrets/ is git-ignored)
// Same as generateEncryptionKey() in lib/secrets/encryption-configuration.ts.
'use strict';
process.stdout.write(require('node:crypto').randomBytes(32).toString('base64') + '\n');
