from django.http import HttpResponse


def bank(request):
    return HttpResponse("todo")


def detail(request, slug):
    return HttpResponse("todo")
