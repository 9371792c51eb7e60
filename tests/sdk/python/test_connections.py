"""Connections (SPEC 14): a request body over --max-body-bytes, declared by Content-Length, is
answered 413 to a client that writes the whole body before it reads, as Python's clients do,
instead of a broken pipe."""

import http.client
import json

import requests

BIG = b"a" * (2 * 1024 * 1024)
MESSAGE = "The request body is larger than 1048576 bytes."


def test_http_client_reads_the_413_of_a_2_mib_body(emu):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=30)
    conn.request("POST", "/?Action=DescribeRegions&Version=2016-04-28", body=BIG,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    body = json.loads(resp.read())
    assert (resp.status, body["Code"], body["Message"]) == (413, "RequestEntityTooLarge", MESSAGE)
    # The body was read to its end: the same connection serves the next call.
    conn.request("GET", "/?Action=DescribeRegions&Version=2016-04-28")
    again = conn.getresponse()
    assert again.status == 200
    again.read()
    conn.close()


def test_requests_reads_the_413_of_a_2_mib_body(emu):
    resp = requests.post(f"http://127.0.0.1:{emu.port}/?Action=DescribeRegions&Version=2016-04-28",
                         data=BIG, headers={"Content-Type": "application/x-www-form-urlencoded"},
                         timeout=30)
    assert (resp.status_code, resp.json()["Code"], resp.json()["Message"]) == (
        413, "RequestEntityTooLarge", MESSAGE)
