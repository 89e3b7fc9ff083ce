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

const described = (fromFork: boolean) => ({
  number: 5,
  baseSha: 'b1',
  headSha: 'h1',
  baseRef: null,
  headRef: null,
  fromFork
})

describe('describePullRequest', () => {
  it.each([
    {
      name: 'same repository',
      payload: pr({ full_name: 'octo/ml' }),
      want: described(false)
    },
    {
      name: 'fork',
      payload: pr({ full_name: 'mallory/ml' }),
      want: described(true)
    },
    {
      name: 'deleted fork',
      payload: pr(null),
      want: described(true)
    },
    {
      name: 'head repository not given',
      payload: pr(undefined),
      want: described(false)
    },
    {
      name: 'case differs only',
      payload: pr({ full_name: 'Octo/ML' }),
      want: described(false)
    },
    { name: 'push event', payload: { ref: 'refs/heads/main' }, want: null }
  ])('$name', ({ payload, want }) => {
    expect(describePullRequest(payload)).toEqual(want)
  })

  it('reads the branch names of the base and the head', () => {
    const payload = pr({ full_name: 'octo/ml' })
    Object.assign(payload.pull_request.base, { ref: 'main' })
    Object.assign(payload.pull_request.head, { ref: 'feature/x' })
    expect(describePullRequest(payload)).toMatchObject({ baseRef: 'main', headRef: 'feature/x' })
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

  it.each([
    {
      name: "the event's default branch",
      branch: 'develop',
      env: { defaultBranch: 'develop', pullRequest: null },
      why: /develop is the repository's default branch/
    },
    {
      name: 'the default branch, case aside',
      branch: 'Trunk',
      env: { defaultBranch: 'trunk', pullRequest: null },
      why: /trunk is the repository's default branch/
    },
    {
      name: "the pull request's base branch",
      branch: 'release',
      env: { defaultBranch: 'develop', pullRequest: { ...samePr!, baseRef: 'release' } },
      why: /release is the pull request's base branch/
    },
    {
      name: "the pull request's head branch",
      branch: 'feature/x',
      env: { pullRequest: { ...samePr!, headRef: 'feature/x' } },
      why: /feature\/x is the pull request's head branch/
    }
  ])('refuses a data branch that is $name', ({ branch, env, why }) => {
    let message = ''
    try {
      decideRunPolicy(settings({ 'data-branch': branch }), { eventName: 'pull_request', ...env })
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toMatch(
      new RegExp(`^data-branch: got "${branch}", expected a branch of its own for history`)
    )
    expect(message).toMatch(why)
  })

  it('accepts a data branch of its own beside the event branches', () => {
    const pull = { ...samePr!, baseRef: 'main', headRef: 'feature/x' }
    expect(() =>
      decideRunPolicy(settings({}), {
        eventName: 'pull_request',
        pullRequest: pull,
        defaultBranch: 'main'
      })
    ).not.toThrow()
  })
})
