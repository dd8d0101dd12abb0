// Preloaded (node --require) into the EspruinoTools CLI by build.ts: any attempt to open a socket or resolve a
// host name fails the build, so the upload file is provably produced offline (no module or board download).
'use strict';
const net = require('node:net');
const dns = require('node:dns');
const refuse = (what) => () => {
  throw new Error(`offline build: EspruinoTools tried to ${what}; add the module to the board JSON's builtin_modules`);
};
net.Socket.prototype.connect = refuse('open a network connection');
dns.lookup = refuse('resolve a host name');
