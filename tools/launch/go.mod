module outage-lab/tools/launch

go 1.22
