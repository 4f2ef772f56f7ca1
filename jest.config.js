// Unit tests are quick and need nothing running; integration tests start the OMICall simulator
// on loopback and run the nodes through n8n-core; end-to-end tests drive a real n8n.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

const project = (name, match, extra = {}) => ({
	displayName: name,
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	testMatch: [match],
	...extra,
});

module.exports = {
	projects: [
		project('unit', '<rootDir>/test/unit/**/*.test.ts'),
		project('integration', '<rootDir>/test/integration/**/*.test.ts'),
		// A real n8n per test file, started from the cache that globalSetup fills.
		project('e2e', '<rootDir>/test/e2e/**/*.test.js', {
			globalSetup: '<rootDir>/test/e2e/global-setup.js',
			slowTestThreshold: 60,
		}),
	],
};
