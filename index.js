'use strict';
// The built node and credential classes, found through package.json's "n8n" section exactly as
// n8n finds them. n8n itself reads that section, not this file; tests and tools use it to load
// what would be published. Run `npm run build` first.
const path = require('node:path');
const { n8n } = require('./package.json');

function load(file) {
	const exports = require(path.join(__dirname, file));
	return Object.values(exports)[0];
}

module.exports = {
	nodes: n8n.nodes.map(load),
	credentials: n8n.credentials.map(load),
};
