import { createRequire as __jgCreateRequire } from 'node:module';
const require = __jgCreateRequire(import.meta.url);
const ENV = {
    sysfsRoot: 'JOULEGATE_SYSFS_ROOT',
    nvidiaSmi: 'JOULEGATE_NVIDIA_SMI',
    python: 'JOULEGATE_PYTHON'
};
function readSensorEnv(env, intervalMs) {
    const python = env[ENV.python];
    return {
        sysfsRoot: env[ENV.sysfsRoot] || '/sys',
        nvidiaSmi: env[ENV.nvidiaSmi] || 'nvidia-smi',
        cudaVisibleDevices: env['CUDA_VISIBLE_DEVICES'],
        cudaDeviceOrder: env['CUDA_DEVICE_ORDER'],
        intervalMs,
        python: python === 'none' ? null : python || 'python3'
    };
}

function readRunEnv(vars) {
    return {
        vars,
        // the interval is a setting, not a variable: each use case adds its own (sensorEnvOf)
        sensors: readSensorEnv(vars, 0),
        runnerName: vars['RUNNER_NAME'] || null,
        crossCheck: vars['JOULEGATE_CROSS_CHECK'] === '1',
        metricsFile: vars['JOULEGATE_METRICS_FILE'] || null
    };
}
/** the sensors' variables at this run's sampling interval */
function sensorEnvOf(env, intervalMs) {
    return { ...env.sensors, intervalMs };
}

// The CLI's one reader of the process environment: the sensors' variables, RUNNER_NAME,
// JOULEGATE_CROSS_CHECK, the metrics file and the terminal's (NO_COLOR, CI), read when a command
// starts and passed down as data; the measured command and git get its variables explicitly.
function readEnv() {
    return readRunEnv(process.env);
}

export { readEnv as r, sensorEnvOf as s };
