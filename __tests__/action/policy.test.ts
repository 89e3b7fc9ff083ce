import { describe, expect, it } from '@jest/globals'
import { describePullRequest, describeWorkflowRun } from '../../src/action/event.js'
import { decideRunPolicy } from '../../src/action/policy.js'
import { parseSettings, type RawSettings } from '../../src/core/settings.js'

const pr = (head: unknown, base = 'octo/ml') => ({
  pull_request: {
    number: 5,
    base: { sha: 'b1', repo: { full_name: base } },
    head: { sha: 'h1', ...(head === undefined ? {} : { repo: head }) }
  }
})

describe('describePullRequest', () => {
  it.each([
    {
      name: 'same repository',
      payload: pr({ full_name: 'octo/ml' }),
      want: { number: 5, baseSha: 'b1', headSha: 'h1', fromFork: false }
    },
    {
      name: 'fork',
      payload: pr({ full_name: 'mallory/ml' }),
      want: { number: 5, baseSha: 'b1', headSha: 'h1', fromFork: true }
    },
    {
      name: 'deleted fork',
      payload: pr(null),
      want: { number: 5, baseSha: 'b1', headSha: 'h1', fromFork: true }
    },
    {
      name: 'head repository not given',
      payload: pr(undefined),
      want: { number: 5, baseSha: 'b1', headSha: 'h1', fromFork: false }
    },
    {
      name: 'case differs only',
      payload: pr({ full_name: 'Octo/ML' }),
      want: { number: 5, baseSha: 'b1', headSha: 'h1', fromFork: false }
    },
    { name: 'push event', payload: { ref: 'refs/heads/main' }, want: null }
  ])('$name', ({ payload, want }) => {
    expect(describePullRequest(payload)).toEqual(want)
  })

  it('reads a workflow_run payload', () => {
    expect(
      describeWorkflowRun({
        workflow_run: {
          head_sha: 'abc',
          event: 'pull_request',
          pull_requests: [{ number: 3, base: { sha: 'b3' } }]
        }
      })
    ).toEqual({
      headSha: 'abc',
      pullNumbers: [3],
      pulls: [{ number: 3, baseSha: 'b3' }],
      event: 'pull_request'
    })
    expect(
      describeWorkflowRun({ workflow_run: { head_sha: 'abc', pull_requests: [] } })?.pullNumbers
    ).toEqual([])
  })
})

const settings = (raw: RawSettings) =>
  parseSettings({ 'github-token': 'ghs_x', command: 'python train.py', ...raw })
const samePr = describePullRequest(pr({ full_name: 'octo/ml' }))
const forkPr = describePullRequest(pr({ full_name: 'mallory/ml' }))

describe('decideRunPolicy', () => {
  it.each([
    {
      name: 'check on a pull request comments',
      raw: {},
      event: 'pull_request',
      pull: samePr,
      comment: true
    },
    {
      name: 'check from a fork does not',
      raw: {},
      event: 'pull_request',
      pull: forkPr,
      comment: false
    },
    {
      name: 'comment: never',
      raw: { comment: 'never' },
      event: 'pull_request',
      pull: samePr,
      comment: false
    },
    {
      name: 'check on push has no pull request',
      raw: {},
      event: 'push',
      pull: null,
      comment: false
    },
    {
      name: 'no token',
      raw: { 'github-token': '' },
      event: 'pull_request',
      pull: samePr,
      comment: false
    },
    { name: 'record on push', raw: { mode: 'record' }, event: 'push', pull: null, comment: false },
    {
      name: 'report from workflow_run',
      raw: { mode: 'report', command: '' },
      event: 'workflow_run',
      pull: null,
      comment: true
    },
    {
      name: 'trusted pull_request_target',
      raw: { 'trusted-code': 'true' },
      event: 'pull_request_target',
      pull: forkPr,
      comment: false
    }
  ])('$name', ({ raw, event, pull, comment }) => {
    expect(
      decideRunPolicy(settings(raw), { eventName: event, pullRequest: pull }).postComment
    ).toBe(comment)
  })

  it.each([
    {
      name: 'untrusted code under pull_request_target',
      raw: {},
      event: 'pull_request_target',
      error: /^trusted-code: .*refuses to run/
    },
    {
      name: 'record from a pull request',
      raw: { mode: 'record' },
      event: 'pull_request',
      error: /^mode: .*never written from a pull request/
    },
    {
      name: 'calibrate from pull_request_target',
      raw: { mode: 'calibrate', 'trusted-code': 'true' },
      event: 'pull_request_target',
      error: /^mode: /
    },
    {
      name: 'check without a command',
      raw: { command: '' },
      event: 'pull_request',
      error: /^command: /
    }
  ])('refuses $name', ({ raw, event, error }) => {
    expect(() => decideRunPolicy(settings(raw), { eventName: event, pullRequest: samePr })).toThrow(
      error
    )
  })
})
