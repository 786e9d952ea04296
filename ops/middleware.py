from django.conf import settings

# No inline scripts or styles anywhere (templates, admin): everything comes from our own
# origin, so 'self' is enough. data: images are for the small icons some admin and select2
# stylesheets embed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The site needs none of these browser features; deny them to the page and to any frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response.

    It sits first in MIDDLEWARE so it also wraps the static files whitenoise answers
    and the error pages Django builds from exceptions raised in any inner layer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not (settings.DEBUG and response.status_code in (404, 500)):
            # Django's debug error pages carry inline styles and scripts; left alone
            # they stay readable while developing. Production pages are never exempt.
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
