"""Participatory budgeting: the .pb exchange format, ballots, tallies and outcome rules.

Pure Python (no Django models). The web layer and the management commands (``import_pb``,
``pb_results``, ``export_pb``) sit on top of these functions:

- :func:`localbridge.participation.pb.format.load` / :func:`~.format.dump` read and write .pb files;
- :func:`localbridge.participation.pb.tally.tally` counts ballots;
- :func:`localbridge.participation.pb.rules.outcome` applies greedy or the Method of Equal Shares
  and explains, per project, why it was or was not funded;
- :func:`localbridge.participation.pb.ballots.validate_ballot` checks a ballot against a vote's settings.
"""
