module.exports = { testEnvironment: 'jest-environment-that-does-not-exist' }
