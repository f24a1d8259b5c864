"""The app exactly as wsgi.py builds it, plus two reference endpoints for the load benchmark.

Served only by ``bench/load.py --references``; never part of the product. They
measure how much of a save's cost is fixed by the stack rather than by what a
save does:

- POST /bench/auth/<session_id>: logged in and CSRF-checked, like every form
  post, then the same redirect a save answers with;
- POST /bench/insert/<session_id>: that, plus one log row stored through the
  ORM and committed (no form, no ownership check, no re-assessment).
"""

from flask import redirect, request
from flask_login import login_required

from app.extensions import db
from app.factory import create_app
from app.models import SymptomLog, utcnow

app = create_app()


@app.post("/bench/auth/<int:session_id>")
@login_required
def logged_in_post(session_id):
    return redirect(f"/sessions/{session_id}")


@app.post("/bench/insert/<int:session_id>")
@login_required
def logged_in_insert(session_id):
    db.session.add(
        SymptomLog(
            session_id=session_id,
            logged_at=utcnow(),
            redness=1,
            swelling=0,
            peeling=0,
            client_id=request.form["client_id"],
        )
    )
    db.session.commit()
    return redirect(f"/sessions/{session_id}")
