"""The programme dashboards (/insight): staff and Cancer Alliance leads."""
