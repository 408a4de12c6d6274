#!/usr/bin/env node
// The command is the bundled CLI (see build.mjs); `npm install` builds it.
import '../dist/cli/main.mjs';
