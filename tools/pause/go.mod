module outage-lab/tools/pause

go 1.22
