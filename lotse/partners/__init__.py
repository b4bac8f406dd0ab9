"""The region's partners: who is responsible for whom (the Schaubild), the gap radar for planning
talks, named contact persons for facilitators and partner links that keep the matrix current."""
