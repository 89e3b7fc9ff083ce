// The account GitHub acts as for everything done with a workflow's GITHUB_TOKEN: it posts the
// pull-request comments (its login is its name) and authors the data-branch commits (the email
// carries its user id, so GitHub links the commits to it).
export const GITHUB_ACTIONS_BOT = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
} as const
