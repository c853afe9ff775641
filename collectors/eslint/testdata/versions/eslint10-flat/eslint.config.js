// CommonJS, so that every ESLint version with flat configuration loads it alike.
module.exports = [
  { ignores: ["eslint.config.js"] },
  {
    files: ["**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      eqeqeq: "error",
      "no-unused-vars": "error",
      "no-var": "warn",
      "prefer-const": "warn",
    },
  },
];
