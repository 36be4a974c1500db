// Second implementation for tst_jcs_crosscheck: reads one JSON document per line on stdin and
// writes "<sha256> <canonical JSON>" per line, using the npm package `canonicalize` by the
// author of RFC 8785.
'use strict';
const canonicalize = require('canonicalize');
const crypto = require('crypto');
const readline = require('readline');

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
lines.on('line', (line) => {
  const canonical = canonicalize(JSON.parse(line));
  const checksum = crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
  out.push(`${checksum} ${canonical}`);
});
lines.on('close', () => process.stdout.write(out.join('\n') + '\n'));
