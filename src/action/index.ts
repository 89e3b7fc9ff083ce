import { jobs } from './jobs.js'
import { run } from './main.js'

await run(jobs)
