import plugin from 'vite-plugin-that-does-not-exist'

export default { plugins: [plugin()] }
