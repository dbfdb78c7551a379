// The table moved to lib/policy/escalation-powers.ts (issue #22). TODO(#22): delete this
// re-export once lib/review/analyses/permissions.ts imports the new path (it was busy).
export * from '../../policy/escalation-powers';
