"""The coordinators' dashboard: progress, drill-down, chart, personnel, recommendations, exports."""
