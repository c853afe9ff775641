import { createApp } from 'vue'
import App from './App.vue'

const mounted: boolean = createApp(App).mount('#app')
