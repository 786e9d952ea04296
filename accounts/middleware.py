from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty

from accounts.viewer import build_viewer


class ViewerMiddleware:
    """Attach ``request.viewer`` and mark every response that consulted it.

    A page that looked at the viewer may differ between a visitor who passed
    the age gate and one who did not, so no shared cache may store it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer = SimpleLazyObject(lambda: build_viewer(request))
        response = self.get_response(request)
        if request.viewer._wrapped is not empty:
            patch_vary_headers(response, ("Cookie",))
            patch_cache_control(response, private=True)
        return response
