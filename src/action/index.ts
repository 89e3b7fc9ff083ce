import { run } from './main.js'
import { pipeline } from './pipeline-binding.js'

await run(pipeline)
