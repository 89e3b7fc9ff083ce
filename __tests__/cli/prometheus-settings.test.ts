import { describe, expect, it } from '@jest/globals'
import { parseSettings } from '../../src/core/settings.js'

describe('prometheus settings', () => {
  it('takes a URL and matchers as given', () => {
    const s = parseSettings({
      'prometheus-url': 'https://prom.cluster:9090/prometheus',
      'prometheus-selector': 'hpc_job="4242"'
    })
    expect(s).toMatchObject({
      prometheusUrl: 'https://prom.cluster:9090/prometheus',
      prometheusSelector: 'hpc_job="4242"'
    })
    expect(parseSettings({})).toMatchObject({ prometheusUrl: null, prometheusSelector: null })
  })

  it.each([
    ['prom:9090', /--prometheus: got "prom:9090", expected an http\(s\) URL/],
    ['ftp://prom', /expected an http\(s\) URL/],
    // credentials would be printed with the URL: refused, and not echoed back
    ['http://admin:hunter2@prom:9090', /got "http:\/\/…@prom:9090".*JOULEGATE_PROMETHEUS_TOKEN/]
  ])('refuses %j, naming the flag', (value, message) => {
    let error: unknown
    try {
      parseSettings({ 'prometheus-url': value }, { 'prometheus-url': '--prometheus' })
    } catch (e) {
      error = e
    }
    expect(String(error)).toMatch(message)
    expect(String(error)).not.toContain('hunter2')
  })
})
