#!/usr/bin/env python3
"""The structure of memscope's SVG map, as text for a golden file: the
size, cells per class, partly populated cells, legend entries, overlay
markers, device frames and names, block lines and row labels. The time in
the title is left out.

    svgstruct.py MAP.svg"""
import re
import sys
import xml.etree.ElementTree as ET

NS = {"s": "http://www.w3.org/2000/svg"}


def main():
    root = ET.parse(sys.argv[1]).getroot()
    out = ["size %s x %s" % (root.get("width"), root.get("height"))]
    title = root.find("s:title", NS).text
    # the source's directory and the time differ from run to run
    title = re.sub(r", [0-9-]+ [0-9:]+ UTC$", ", TIME", title)
    out.append("title %s" % re.sub(r", /\S*/([^/,]+),", r", \1,", title))
    cells = root.findall("s:g[@id='cells']/s:g", NS)
    by = {}
    partial = markers = 0
    for g in cells:
        r = g.find("s:rect", NS)
        by[r.get("class")] = by.get(r.get("class"), 0) + 1
        letter = g.find("s:text[@class='l']", NS)
        if letter is not None and letter.text.islower():
            partial += 1
        ov = g.find("s:text[@class='ov']", NS)
        if ov is not None:
            markers += 1
            out.append("marker %s %s" % (g.find("s:title", NS).text.split(" 0x")[0], ov.text))
    out.append("cells %d: %s" % (len(cells), ", ".join("%s %d" % kv for kv in sorted(by.items()))))
    out.append("partly populated %d, overlay markers %d" % (partial, markers))
    for t in root.findall("s:g[@id='legend']/s:text", NS):
        out.append("legend %s" % t.text)
    for d in root.findall("s:g[@id='devices']/s:g", NS):
        out.append("device %s: %d frame(s)" % (d.find("s:text", NS).text,
                                               len(d.findall("s:rect", NS))))
    out.append("block lines %d" % len(root.findall("s:g[@id='blocks']/s:line", NS)))
    out.append("rows %s" % " ".join(t.text for t in root.findall("s:g[@id='rows']/s:text", NS)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
