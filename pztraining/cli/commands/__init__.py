"""The commands of ``pztraining``, one module per group; each command is an ``*_arguments``
function (its options) and a ``cmd_*`` function (what it does), listed in :mod:`pztraining.cli.table`."""
