"""Marks every response Django produces, so the tests can tell Django's answers from
the files Apache serves itself."""
import os


def served_by_django(get_response):
    def middleware(request):
        response = get_response(request)
        response["X-Mysite-Served-By"] = "django"
        response["X-Mysite-Daemon"] = "%s %d" % (request.META.get("mod_wsgi.process_group", ""), os.getpid())
        return response

    return middleware
