"""What the blueprints share: forms and fields, view helpers, Jinja filters, headers, static files, errors."""
